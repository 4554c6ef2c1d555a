BxJ
da?