"""The governance app's models live in its rooms: governance.catalogue.models,
governance.consultation.models and governance.structures.models. Django looks for an app's
models here, so importing the rooms registers theirs under the app label "governance"; code
imports each model from its own room."""

from governance.catalogue import models as catalogue_models  # noqa: F401
from governance.consultation import models as consultation_models  # noqa: F401
from governance.delivery import models as delivery_models  # noqa: F401
from governance.structures import models as structures_models  # noqa: F401
