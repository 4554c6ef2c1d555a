By_scaleJ
õ¯>