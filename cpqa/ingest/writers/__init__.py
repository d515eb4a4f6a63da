"""Writers: canonical frames out as the files of a format, for round trips and demos."""
