"""MoveNet itself: the weights and their loading, conversion to LiteRT, backends, the network and its decoding."""
