-- Indexes proposed for the lead (recruitment/applicants/reviews models own them; add them as model
-- Meta.indexes + migrations). bench/measure.py can be re-run after `psql -f bench/proposals.sql`
-- to see their effect on a generated province; `bench/proposals_drop.sql` removes them again.

-- Compliance / dashboard / trend: the year's admissions read from the index alone (no heap visits).
-- Django: models.Index(fields=["admitted_on"], include=["admitted_branch", "admitted_sector", "admitted_age",
--         "education", "gender", "frontline"], condition=Q(admitted_on__isnull=False), name="applicant_admitted_cover")
CREATE INDEX IF NOT EXISTS proposed_applicant_admitted_cover ON applicants_applicant (admitted_on)
  INCLUDE (admitted_branch_id, admitted_sector, admitted_age, education, gender, frontline) WHERE admitted_on IS NOT NULL;

-- Reserve counts (compliance reserve, stale scan, pipeline tabs): active people by branch and step.
-- Django: models.Index(fields=["branch", "current_step"], condition=Q(status="active"), name="applicant_active_step")
CREATE INDEX IF NOT EXISTS proposed_applicant_active_step ON applicants_applicant (branch_id, current_step)
  WHERE status = 'active';

-- Last admission per branch (stale scan): max(admitted_on) per admitted_branch from the index alone.
-- Django: models.Index(fields=["admitted_branch", "admitted_on"], name="applicant_branch_admitted")
CREATE INDEX IF NOT EXISTS proposed_applicant_branch_admitted ON applicants_applicant (admitted_branch_id, admitted_on)
  WHERE admitted_on IS NOT NULL;

-- The year's expected intake: ledger entries not failed, with the applicant id for the join.
-- Django (reviews.LedgerEntry): models.Index(fields=["year", "applicant"], condition=~Q(status="failed"), name="ledger_year_open")
CREATE INDEX IF NOT EXISTS proposed_ledger_year_open ON reviews_ledgerentry (year, applicant_id) WHERE status <> 'failed';

ANALYZE applicants_applicant;
ANALYZE reviews_ledgerentry;
