
BslopeJü4€/Ñ5