ByJ
@