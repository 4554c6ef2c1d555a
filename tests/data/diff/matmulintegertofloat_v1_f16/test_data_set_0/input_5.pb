
BbiasJ
>∏Å®[≠D∂ππ