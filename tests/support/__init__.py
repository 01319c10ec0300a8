"""Helpers shared by the tests: test data lookup, clips made from real photos, synthetic keypoint
tracks, sessions in known states, and real Celery worker processes. Imported as
``tests.support.<module>``; nothing outside tests/ may import them."""
