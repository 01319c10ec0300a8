"""Video input: reading and decoding clips, display rotation, frames kept as YUV planes, crop sampling."""
