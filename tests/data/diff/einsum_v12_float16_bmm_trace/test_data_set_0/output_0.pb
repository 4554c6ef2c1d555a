
ByJ TAUkёN