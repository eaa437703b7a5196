"""The model's agents: organisations and the participants who represent them.

Agents are thin handles. A participant's state, what changes every week
(commitment, status, the motivational sources, dialogic skill) and the traits
fixed when the person is seated (role, strengths), lives in the model's numpy
arrays, in the person's row (slot), and is read and written through
properties, so that the schedule can update all participants at once. A
person replaced in turnover is removed from the model and the slot passes to
the newcomer; an organisation's kind lives on its agent as well.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from model.model import NetworkModel


class OrgKind(enum.IntEnum):
    """Kinds of member organisation (S10, S22)."""

    PUBLIC_SERVICE = 0
    NGO = 1
    SCHOOL = 2
    EMPLOYER = 3
    PARISH = 4
    RESIDENT_ASSOCIATION = 5


class Role(enum.IntEnum):
    """The three roles of S23."""

    CONVENER = 0  # controller/director: convenes, directs, coordinates
    CONTRIBUTOR = 1  # influencer/participant: offers own expertise
    SEEKER = 2  # listener/seeker: learns, seeks views, methods, help


class Strength(enum.IntEnum):
    """Strengths of S24 (a participant may have several); columns of the strengths array."""

    TRUST_BUILDER = 0
    COMMITTER = 1
    BROKER = 2
    GOAL_BUILDER = 3
    ASSEMBLER = 4
    ENTHUSIAST = 5
    RECRUITER = 6
    FACILITATOR = 7


class Status(enum.IntEnum):
    """Participation status; follows commitment (churn submodel)."""

    ACTIVE = 0
    PERIPHERAL = 1
    DORMANT = 2
    LEFT = 3

    @property
    def label(self) -> str:
        """Lower-case name for tables and plots."""
        return self.name.lower()


class Dialogue(enum.IntEnum):
    """The four dialogic cornerstones of S20 (Isaacs 1999); columns of the dialogue array."""

    SUSPENDING = 0
    LISTENING = 1
    VOICING = 2
    RESPECTING = 3


class Organisation(mesa.Agent):
    """A member organisation (S16, S29).

    Attributes:
        index: Row of this organisation in the model's organisation arrays.
        kind: What kind of organisation it is.
    """

    def __init__(self, model: NetworkModel, index: int, kind: OrgKind):
        super().__init__(model)
        self.index = index
        self.kind = kind

    @property
    def time_allocation(self) -> float:
        """Hours per month it lets each representative spend on network work (S16)."""
        return float(self.model.org_time[self.index])

    @property
    def culture(self) -> float:
        """Networking culture in [0, 1] (S16)."""
        return float(self.model.org_culture[self.index])

    @property
    def mandate(self) -> float:
        """Statutory duty to collaborate in [0, 1] (S29)."""
        return float(self.model.org_mandate[self.index])

    @property
    def representatives(self) -> list[Participant]:
        """Its present participants."""
        return [a for a in self.model.participants if a.organisation is self]


class Participant(mesa.Agent):
    """A person representing an organisation, or a resident/client representative (S22).

    Attributes:
        slot: Row of this person in the model's participant arrays.
        organisation: The organisation represented.
    """

    def __init__(self, model: NetworkModel, slot: int, organisation: Organisation):
        super().__init__(model)
        self.slot = slot
        self.organisation = organisation

    @property
    def role(self) -> Role:
        """One of the three roles (S23), fixed when the person is seated."""
        return Role(int(self.model.role[self.slot]))

    @property
    def strengths(self) -> frozenset[Strength]:
        """The strengths this person has (S24), fixed when the person is seated."""
        return frozenset(Strength(s) for s in self.model.strengths[self.slot].nonzero()[0])

    @property
    def is_resident(self) -> bool:
        """True for a resident or client representative bringing experience knowledge."""
        return bool(self.model.resident[self.slot])

    @property
    def commitment(self) -> float:
        """Commitment in [0, 1]."""
        return float(self.model.commitment[self.slot])

    @commitment.setter
    def commitment(self, value: float) -> None:
        self.model.commitment[self.slot] = min(1.0, max(0.0, value))

    @property
    def status(self) -> Status:
        """Active, peripheral, dormant or left."""
        return Status(int(self.model.status[self.slot]))

    @property
    def dialogue(self) -> dict[str, float]:
        """Skill in each of the four dialogic cornerstones (S20)."""
        return {d.name.lower(): float(self.model.dialogue[self.slot, d]) for d in Dialogue}

    @property
    def dialogue_quality(self) -> float:
        """Quality derived from the four cornerstones (their mean)."""
        return float(self.model.dialogue[self.slot].mean())

    @property
    def motivation(self) -> dict[str, float]:
        """The three motivational sources of S14 in [0, 1]."""
        m = self.model
        return {"autonomy": float(m.autonomy[self.slot]), "shared_purpose": float(m.purpose[self.slot]),
                "skills": float(m.skill_use[self.slot])}
