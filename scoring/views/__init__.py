"""Pages of the scoring app: results and publication (results.py), self-assessment
(self_assessment.py)."""
