
Ba_scaleJ.