"""Measures on keypoint tracks alone (no model, video or tracking imports): cleaning, angles, quality,
the catalog, scoring, and one module per measurement protocol (:mod:`pose.measures.protocols`)."""
