"""Patient plans: domain model, plan file import, store, schedule arithmetic, calendar export."""
