"""A shipped migration is never edited: each one is pinned by its hash (add a new one instead)."""

import hashlib

from desktop_app import paths

SHIPPED = {
    "0001_initial.sql": "cea79837afa482563904314988565b36978b30056d57458d85dd4fe470a533b0",
    "0002_name_prefixes.sql": "616d65b463fe1779fbe326ce35249d543ca35e53e34b6483707e392b831e83b8",
    "0003_follow_ups.sql": "c03b0d93d64c1f605f1e0c1013700f2c1f9a7f087a4af78a8dcc9db9e5226228",
    "0004_clinicians.sql": "b31523b1af6097ea3c227a856b10b7b2648786f1938f5a1acd8facd458e3d1a4",
    "0005_body_region_details.sql": (
        "f563d13f5ca7b8bb01a1d80caebfd80bae0102cd69120573f402a404a990f011"
    ),
    "0008_visit_version.sql": "001f5855e2edc101dc998af7faa7ed0d2551a5e01bb9f2cfcc14b732487abe6f",
    "0009_patient_version.sql": "e029f6eee34ca23ca58d740ab8e2f12c897742a38e3458c19d8903cc104bccb8",
    "0010_clinician_roles.sql": "f849b31370b02c2891ab49393d1702c13d859ddf359f36d1575d70cb08913fd8",
    "0011_user_accounts.sql": "2e552925b51735f7dfb5de2f3c4e4985be44f5c292429715929425ad960887d2",
    "0012_pin_lockout.sql": "2427ff3e2db9be7fba64732dd6acdff7e48314d01f4908bedc1859f80a5acd4c",
    "0013_verify_indexes.sql": "4789f42d4c1a2a2ccde39499a9371701216207d328663769fda89db412f6b5ac",
}


def test_every_shipped_migration_is_unchanged_and_pinned() -> None:
    found = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(paths.MIGRATIONS.glob("*.sql"))
    }
    changed = {name for name, digest in SHIPPED.items() if found.get(name) != digest}
    assert changed == set(), f"shipped migrations edited or removed: {sorted(changed)}"
    unpinned = sorted(set(found) - set(SHIPPED))
    assert unpinned == [], f"pin each new migration here once it ships: {unpinned}"
