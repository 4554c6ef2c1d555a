
Bb_scaleJ
`#-'SUù&