import datetime as dt

import factory

from apps.competitions.choices import CompetitionKind, InnovationKind
from apps.competitions.models import Competition, InnovationAchievement, Participation
from apps.core.tests.factories import region
from apps.unions.tests.factories import GrassrootsUnionFactory


class CompetitionFactory(factory.django.DjangoModelFactory):
    """A competition organized by 620102 (Chengguan) unless told otherwise."""

    class Meta:
        model = Competition

    code = factory.Sequence(lambda n: f"JS{n:06d}")
    name = factory.Sequence(lambda n: f"测试劳动竞赛{n}")
    kind = CompetitionKind.ENTERPRISE
    organizer_region = factory.LazyFunction(lambda: region("620102"))
    theme = "建功新时代"
    start_date = dt.date(2024, 3, 1)
    end_date = dt.date(2024, 10, 31)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    competition = factory.SubFactory(CompetitionFactory)
    union = factory.SubFactory(GrassrootsUnionFactory)
    participating_workers = 100
    promoted_workers = 5
    award = ""


class InnovationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InnovationAchievement

    number = factory.Sequence(lambda n: f"CX{n:06d}")
    name = factory.Sequence(lambda n: f"测试创新成果{n}")
    kind = InnovationKind.ACHIEVEMENT
    union = factory.SubFactory(GrassrootsUnionFactory)
    year = 2024
    authors = "张三、李四"
    grade = ""
    recommended_nationally = False
