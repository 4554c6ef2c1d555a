
ByJ.E‰D<