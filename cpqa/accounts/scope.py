"""What a user may see, worked out once from their roles and teams."""

from dataclasses import dataclass

from .roles import AUTHORITY_CHILD_ROLES, TEAM_ROLES, Role


@dataclass(frozen=True)
class Scope:
    """A user's reach.

    child_level: whether any child-level record may be shown at all.
    team_ids: None for every team of the authority; otherwise the only teams
    whose children may be shown (empty: none).
    """

    authority_id: int | None
    child_level: bool
    team_ids: frozenset[int] | None
    roles: frozenset[str]

    @property
    def whole_authority(self) -> bool:
        return self.child_level and self.team_ids is None

    def allows_team(self, team_id: int | None) -> bool:
        if not self.child_level:
            return False
        if self.team_ids is None:
            return True
        return team_id is not None and team_id in self.team_ids

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


NO_SCOPE = Scope(authority_id=None, child_level=False, team_ids=frozenset(), roles=frozenset())


def user_scope(user) -> Scope:
    """The scope of a signed-in user (or nothing for anyone else)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_SCOPE
    cached = getattr(user, "_cpqa_scope", None)
    if cached is not None:
        return cached
    roles = user.role_set
    if roles & AUTHORITY_CHILD_ROLES:
        scope = Scope(user.authority_id, True, None, roles)
    elif roles & TEAM_ROLES:
        team_ids = frozenset(user.teams.values_list("pk", flat=True))
        scope = Scope(user.authority_id, True, team_ids, roles)
    else:
        scope = Scope(user.authority_id, False, frozenset(), roles)
    user._cpqa_scope = scope
    return scope


def primary_role(scope: Scope) -> str | None:
    """The role whose home page a user lands on: the first in Role's order."""
    for role in Role:
        if role in scope.roles:
            return role.value
    return None
