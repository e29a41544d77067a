"""Clinical validation: published case reports run through the engine the GUI uses (issue 10).

No Qt. `case_file` reads and checks case files, `scoring` ranks one case, `summary` adds the
figures up per set, `report` writes results.md, `held_out` keeps the held-out list and `gate`
holds the test gate's rules (thresholds and the regression rule).
"""
