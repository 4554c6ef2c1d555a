
BxJ=Ê€LhOYÏ½LôÌMOÈ