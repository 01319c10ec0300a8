"""Errors the engine raises for input it cannot use. Each message is meant for a person."""


class PoseError(Exception):
    """Base class: the input could not be analysed, and the message says why."""


class VideoError(PoseError):
    """The file is not a usable video: empty, not a video, truncated, too long, no frames."""


class ModelError(PoseError):
    """The MoveNet model files are missing or do not match their checksums."""
