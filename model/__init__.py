"""verkosto's simulation: organisations and participants building familiarity, trust and
commitment (see docs/ODD.md).
"""

# Before any kernel runs: compiled code cached from older sources is compiled afresh (numba
# alone would miss a change in another module than the function's own).
from model import compiled_cache
from model.agents import Organisation, OrgKind, Participant, Role, Status, Strength
from model.model import DEFAULT_STEPS, NetworkModel
from model.outcome import Outcome, Phase
from model.params import PARAMETERS, ParameterError, Params

compiled_cache.refresh()

__all__ = ["DEFAULT_STEPS", "PARAMETERS", "NetworkModel", "OrgKind", "Organisation", "Outcome",
           "ParameterError", "Params", "Participant", "Phase", "Role", "Status", "Strength"]
