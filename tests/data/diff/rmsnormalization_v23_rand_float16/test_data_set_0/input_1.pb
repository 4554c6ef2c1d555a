
BscaleJ¾X@