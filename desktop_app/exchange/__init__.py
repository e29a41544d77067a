"""Data that leaves or enters the app: FHIR R4 and CSV export, patient import. No Qt."""
