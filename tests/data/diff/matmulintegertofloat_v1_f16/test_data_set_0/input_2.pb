
Ba_scaleJD'