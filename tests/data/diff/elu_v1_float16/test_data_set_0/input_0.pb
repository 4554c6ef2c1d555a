
BxJ”¼]As>