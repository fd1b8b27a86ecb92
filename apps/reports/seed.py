"""The seed report's figures, declared once: the provincial dashboard shows the province's
figures next to them.

The seed report is the federation's own account of a year's work (``../seed/``); its figures
are DOMAIN.md's table "what / figure in the report", which gives the scale the product must
carry. Only the codes whose meaning matches a row of that table are here.
"""

from __future__ import annotations

from decimal import Decimal

# code -> the figure in the report (DOMAIN.md's table, the row named in the comment)
SEED_FIGURES: dict[str, int | Decimal] = {
    # students aided (金秋助学)
    "svc.jinqiu_students": 43_827,
    # "warmth" visits: enterprises / hardship households (走访慰问)
    "svc.warmth_enterprises": 5_087,
    "svc.warmth_households": 382_139,
    # spring job fairs / free employment services / cross-region labour export / placed
    "svc.job_fairs": 663,
    "svc.employment_services": 358_721,
    "svc.labour_export": 46_654,
    "svc.placements": 60_843,
    # skills training classes / trainees; union cadres trained
    "svc.trainings": 50_000,
    "svc.training_attendance": 4_500_000,
    "svc.cadre_training_attendance": 320_000,
    # wage arrears recovered: workers / amount
    "svc.wage_workers": 122_200,
    "svc.wage_amount": Decimal("1096000000.00"),
    # micro-loans for start-ups: workers supported / jobs created
    "svc.loans": 1_500,
    "svc.loan_jobs": 6_000,
}
