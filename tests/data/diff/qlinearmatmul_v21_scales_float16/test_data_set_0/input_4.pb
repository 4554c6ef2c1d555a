
Bb_scaleJ[*9/ô(ú%