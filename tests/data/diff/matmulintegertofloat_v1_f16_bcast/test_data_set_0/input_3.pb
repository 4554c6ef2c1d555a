
Bb_scaleJ&