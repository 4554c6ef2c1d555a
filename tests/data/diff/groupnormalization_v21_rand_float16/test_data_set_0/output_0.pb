
ByJ Dà;«@FßFFpFèB)FAAÿDwBG¤Fò@¯I