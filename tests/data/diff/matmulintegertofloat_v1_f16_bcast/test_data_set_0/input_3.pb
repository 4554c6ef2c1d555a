
Bb_scaleJµ 