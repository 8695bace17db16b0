-- wrk script: each thread logs in like a browser (GET /login/ for the CSRF token, POST the
-- credentials, keep the session cookie), then cycles through the paths given after "--".
-- Without BENCH_SESSION the thread logs in itself; the login exchange is then not counted in "ok"
-- (the "login" counter); every non-200 after login is counted as "bad".
-- Usage: BENCH_USER=… BENCH_PASSWORD=… wrk -t2 -c20 -d10s -s bench/wrk_session.lua URL -- /path1 /path2
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local user = os.getenv("BENCH_USER") or ""
local password = os.getenv("BENCH_PASSWORD") or ""
local paths, n = {}, 0
local state = "anonymous"   -- anonymous → posting → ready
local csrf, session = nil, nil
-- A session obtained beforehand (bench/measure.py logs in once over HTTP, exactly like a browser)
-- keeps the login exchange and its password hashing out of the measured window.
if os.getenv("BENCH_SESSION") and os.getenv("BENCH_CSRF") then
  session, csrf, state = os.getenv("BENCH_SESSION"), os.getenv("BENCH_CSRF"), "ready"
end
bad, login, ok = 0, 0, 0

function init(args)
  for _, p in ipairs(args) do table.insert(paths, p) end
  if #paths == 0 then paths = { "/" } end
end

local function cookie_value(headers, name)
  for k, v in pairs(headers) do
    if string.lower(k) == "set-cookie" then
      local value = string.match(v, name .. "=([^;]+)")
      if value then return value end
    end
  end
  return nil
end

function request()
  if state == "ready" then
    n = n + 1
    return wrk.format("GET", paths[(n - 1) % #paths + 1], { ["Cookie"] = "csrftoken=" .. csrf .. "; sessionid=" .. session })
  end
  if state == "have_token" then
    state = "posting"
    local body = "csrfmiddlewaretoken=" .. csrf .. "&username=" .. user .. "&password=" .. password
    return wrk.format("POST", "/login/", {
      ["Cookie"] = "csrftoken=" .. csrf,
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Referer"] = "http://" .. wrk.host .. ":" .. wrk.port .. "/login/",
    }, body)
  end
  return wrk.format("GET", "/login/")
end

function response(status, headers, body)
  if state == "ready" then
    if status == 200 then ok = ok + 1 else bad = bad + 1 end
    return
  end
  login = login + 1
  if state == "anonymous" and status == 200 then
    csrf = csrf or cookie_value(headers, "csrftoken")
    if csrf then state = "have_token" end
  elseif state == "posting" and status == 302 then
    -- only the POST answers 302; login pages still in flight on other connections are ignored
    session = cookie_value(headers, "sessionid")
    if session then state = "ready" end
  end
end

function done(summary, latency, requests)
  local b, l, o = 0, 0, 0
  for _, t in ipairs(threads) do
    b = b + (t:get("bad") or 0); l = l + (t:get("login") or 0); o = o + (t:get("ok") or 0)
  end
  local secs = summary.duration / 1e6
  io.write(string.format(
    'WRKJSON {"requests": %d, "ok": %d, "bad": %d, "login": %d, "seconds": %.3f, "rps": %.1f, ' ..
    '"p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "errors": %d}\n',
    summary.requests, o, b, l, secs, o / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
