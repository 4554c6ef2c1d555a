
BslopeJÉ7w6t7