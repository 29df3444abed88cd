"""The governance app's models, for Django's app registry. Code imports them from
their own rooms: governance.catalogue.models, governance.consultation.models,
governance.structures.models."""

from governance.catalogue.models import (  # noqa: F401
    BAND_ORDER,
    AllowedCombination,
    Band,
    DeliveryModel,
    DeliveryModelKind,
    GovernanceOption,
    GovernanceShape,
    OptionFramework,
    Principle,
    SuggestedRating,
)
from governance.consultation.models import (  # noqa: F401
    Agreement,
    Answer,
    ConsultationRound,
    DeadlineExtension,
    ExportFormat,
    FeedbackSummary,
    JobState,
    Milestone,
    PlaceRating,
    PlaceResponse,
    Question,
    RedactionDecision,
    RedactionKind,
    ReminderSent,
    ResponseStatus,
    RoundStatus,
    SummaryExport,
)
from governance.structures.models import (  # noqa: F401
    Committee,
    CommitteeKind,
    CommitteeMember,
    DecisionRule,
    Frequency,
    MemberPosition,
    TermsOfReference,
    TorStatus,
)
