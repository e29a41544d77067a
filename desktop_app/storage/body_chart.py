"""The body chart's details: the intensity and quality recorded for each marked region."""

from __future__ import annotations

from collections.abc import Sequence

from desktop_app.core.body_chart import check_detail
from desktop_app.core.errors import InvalidObservation
from desktop_app.core.observations import Observations
from desktop_app.storage.store import dumps, storage_call
from desktop_app.storage.visits import VisitStore


class BodyChartStore(VisitStore):
    """Intensity (0-10) and quality of a marked region; stored only while the region is marked."""

    @storage_call
    def set_region_detail(
        self,
        visit_id: int,
        region: str,
        side: str,
        intensity: int | None,
        qualities: Sequence[str],
    ) -> Observations:
        """Record (or clear, with no intensity and no quality) a marked region's details."""
        detail = check_detail(self.kb.body_chart, region, side, intensity, qualities)
        marked = self.db.execute(
            "SELECT 1 FROM body_marks WHERE visit_id = ? AND region = ? AND side = ?",
            [visit_id, region, side],
        ).fetchone()
        if detail.empty:
            sql = "DELETE FROM body_region_details WHERE visit_id = ? AND region = ? AND side = ?"
            values: list[object] = [visit_id, region, side]
            note = f"cleared {region} {side} details"
        else:
            if marked is None:
                raise InvalidObservation("Mark the region on the body chart first.")
            sql = (
                "INSERT INTO body_region_details (visit_id, region, side, intensity, qualities) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (visit_id, region, side) DO UPDATE SET "
                "intensity = excluded.intensity, qualities = excluded.qualities"
            )
            values = [visit_id, region, side, detail.intensity, dumps(list(detail.qualities))]
            note = (
                f"{region} {side} intensity {detail.intensity}, {len(detail.qualities)} qualities"
            )
        self._visit_row_write(visit_id, note, sql, values)
        return self.observations(visit_id)
