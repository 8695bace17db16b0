from .models import Role
from .scope import DEPARTMENT_ROLES

# Navigation entries: dicts with url (name), label, icon, roles (None = everyone), order, and an
# optional badge callable. Other apps append theirs in NAV_EXTRA through their AppConfig.ready()
# (recruitment.registry.add_nav), so base.html needs no edits per app.
NAV_EXTRA: list[dict] = []

# Entries are grouped into menus by their URL namespace; a group with one visible entry is shown
# as a plain link. Namespaces not listed stand alone (首页, 消息).
NAV_GROUPS = [
    ("发展纪实", "person-lines-fill", {"applicants", "ledger"}),
    ("预审审批", "journal-check", {"reviews"}),
    ("档案抽查", "clipboard-check", {"inspections"}),
    ("计划与预警", "bar-chart-line", {"quotas", "jobs:stale_list", "jobs:jobs"}),
    ("组织与党员", "diagram-3", {"recruitment", "accounts"}),
]


def _group_of(url: str) -> int | None:
    namespace = url.split(":")[0]
    for index, (_, _, keys) in enumerate(NAV_GROUPS):
        if url in keys or namespace in keys:
            return index
    return None


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    items = [
        {"url": "home", "label": "首页", "icon": "house", "roles": None, "order": 0},
        {"url": "recruitment:org_list", "label": "组织", "icon": "diagram-3", "roles": None, "order": 70},
        {"url": "recruitment:member_list", "label": "党员名册", "icon": "people", "roles": None, "order": 71},
        {"url": "accounts:list", "label": "账号管理", "icon": "person-gear", "roles": DEPARTMENT_ROLES, "order": 72},
        {
            "url": "accounts:lockouts",
            "label": "登录锁定",
            "icon": "shield-lock",
            "roles": DEPARTMENT_ROLES,
            "order": 73,
        },
    ]
    items += NAV_EXTRA
    visible = [i for i in items if i["roles"] is None or user.is_superuser or user.role in i["roles"]]
    visible.sort(key=lambda i: i.get("order", 50))
    visible = [{**i, "badge_count": i["badge"](user)} if i.get("badge") else i for i in visible]
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    menu: list[dict] = []
    groups: dict[int, dict] = {}
    for item in visible:
        item = {**item, "active": item["url"] == current}
        index = _group_of(item["url"])
        if index is None:
            menu.append(item)
            continue
        if index not in groups:
            label, icon, _ = NAV_GROUPS[index]
            groups[index] = {"label": label, "icon": icon, "children": [], "active": False}
            menu.append(groups[index])
        groups[index]["children"].append(item)
        groups[index]["active"] |= item["active"]
    menu = [g["children"][0] if "children" in g and len(g["children"]) == 1 else g for g in menu]
    return {"nav_items": visible, "nav_menu": menu, "Role": Role, "nav_html": lambda: _nav_html(request, menu)}


def _nav_html(request, menu: list[dict]):
    """The menu, rendered once per user, page and badge counts (issue 14: reversing its two dozen URLs
    is a good part of a page's cost); only when a page draws it (a callable in the context)."""
    from .fragments import cached_fragment

    user = request.user
    badges = tuple(i.get("badge_count", 0) for g in menu for i in g.get("children", [g]))
    current = getattr(getattr(request, "resolver_match", None), "view_name", "")
    org = user.organization
    items = tuple((i["url"], i["label"], i["icon"]) for g in menu for i in g.get("children", [g]))
    parts = (current, badges, items, str(user), user.is_staff, org.name if org else "")
    return cached_fragment(request, "nav", parts, "partials/nav.html", lambda: {"nav_menu": menu})
