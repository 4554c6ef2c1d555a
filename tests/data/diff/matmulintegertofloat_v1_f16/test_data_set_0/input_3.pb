
Bb_scaleJ
!%%´%
%’$