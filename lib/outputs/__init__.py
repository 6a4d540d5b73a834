"""Files out: csv/xlsx exports, the blank template and the official forms."""
