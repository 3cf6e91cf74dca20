"""An open office database together with who is working in it."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, replace
from pathlib import Path

from desktop.core.areas import AreaTable
from desktop.core.office import Actor, Office, Role
from desktop.core.permissions import Permission, allowed
from desktop.core.size import SizeStandard
from desktop.places import APP_NAME, data_dir
from desktop.services.errors import ServiceError
from desktop.store import Store

__all__ = ["APP_NAME", "DB_FILE_NAME", "Workspace", "default_db_path", "system_actor", "window_lock"]

DB_FILE_NAME = "laoxie.sqlite3"


def default_db_path() -> Path:
    """The office database: in the user's data folder, or beside the program when portable (desktop.places)."""
    return data_dir() / DB_FILE_NAME


def system_actor() -> Actor:
    """The operating-system user, for actions taken before anyone logs in."""
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name on some Windows set-ups
        name = "unknown"
    return Actor(username=f"os:{name}")


@dataclass
class Workspace:
    store: Store
    office: Office
    actor: Actor
    areas: AreaTable
    sizes: SizeStandard
    # Signed in with a password someone else chose: the window and the commands ask
    # for a new one before anything else (services.accounts.change_password clears it).
    must_change_password: bool = False

    @classmethod
    def open(cls, path: Path | str, actor: Actor | None = None) -> Workspace:
        store = Store.open(path, create=False)
        office = store.local_office()
        if office is None:
            store.close()
            raise ServiceError("not_initialised", path=path)
        return cls(store, office, actor or system_actor(), AreaTable.default(), SizeStandard.load())

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh_actor(self) -> None:
        if self.actor.user_id is None:
            return
        user = self.store.user_by_name(self.actor.username)
        if user is None or not user["active"] or user["id"] != self.actor.user_id:
            self.actor = replace(self.actor, role=None)
        elif user["role"] != (self.actor.role.value if self.actor.role else None):
            self.actor = replace(self.actor, role=Role(user["role"]))

    def can(self, permission: Permission) -> bool:
        return allowed(self.actor.role, permission)

    def require(self, permission: Permission) -> None:
        """Refuse (and say why) when the signed-in user lacks the permission.

        The role is read again from the database, so an admin's change (a new
        role, a disabled account) takes effect at once, not at the next sign-in.
        """
        self.refresh_actor()
        if not self.can(permission):
            raise ServiceError(
                "forbidden", user=self.actor.shown_name,
                role=self.actor.role.label if self.actor.role else "未登录", permission=permission.label,
            )

    def audit(self, action: str, *, entity: str = "", entity_id: object = "",
              detail: dict[str, object] | None = None) -> str:
        return self.store.audit(
            self.actor, action, office_id=self.office.id, entity=entity, entity_id=entity_id, detail=detail
        )


def window_lock(path: Path | str) -> object:
    """Hold while a window has the database open: a second window on the same
    file gets StoreError("in_use").  Call .release() (or use it as a context manager)."""
    from desktop.store.lock import InstanceLock

    return InstanceLock(Path(path)).acquire()
