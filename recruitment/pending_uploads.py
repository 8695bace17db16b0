"""An uploaded table waiting between its preview and the confirmation: the file is kept in a private
temporary directory under a random token that only the uploader's session knows; confirming reads it
again (the state may have changed since the preview) and deletes it; a preview with nothing to import
forgets it at once; every new upload first removes files left behind longer than ``MAX_AGE`` (a
preview abandoned, a session expired). The same steps as the ledger's upload → preview → confirm
(applicants/ledger_views.py), for the imports of this app."""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone

KEEP_LAST = 5  # uploads remembered per session and kind
MAX_AGE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class PendingUploads:
    kind: str  # names the directory and the session key, e.g. "members"

    @property
    def session_key(self) -> str:
        return f"{self.kind}_uploads"

    def directory(self) -> Path:
        path = Path(tempfile.gettempdir()) / f"dyfz-{self.kind}-uploads"
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    def purge_stale(self) -> int:
        """Delete files older than MAX_AGE_SECONDS (by modification time); returns how many."""
        removed, cutoff = 0, time.time() - MAX_AGE_SECONDS
        for path in self.directory().iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:  # removed meanwhile by another request
                continue
        return removed

    def store(self, request, uploaded) -> str:
        self.purge_stale()
        token = secrets.token_urlsafe(24)
        path = self.directory() / token
        with open(path, "wb") as fh:
            for chunk in uploaded.chunks():
                fh.write(chunk)
        now = time.time()
        os.utime(path, (now, now))  # the age purge_stale reads, on the application's clock
        pending = request.session.get(self.session_key, {})
        pending[token] = {"name": uploaded.name, "at": timezone.now().isoformat()}
        for old in list(pending)[:-KEEP_LAST]:  # keep the last few uploads only
            pending.pop(old)
            (self.directory() / old).unlink(missing_ok=True)
        request.session[self.session_key] = pending
        return token

    def get(self, request, token: str) -> tuple[Path, str] | None:
        """(path, original file name) of the session's upload, or None (unknown token, file gone)."""
        entry = request.session.get(self.session_key, {}).get(token or "")
        if entry is None:  # only tokens this session was given name a file (never a posted path)
            return None
        path = self.directory() / token
        return (path, entry["name"]) if path.is_file() else None

    def forget(self, request, token: str) -> None:
        pending = request.session.get(self.session_key, {})
        if pending.pop(token, None) is not None:
            (self.directory() / token).unlink(missing_ok=True)
        request.session[self.session_key] = pending
