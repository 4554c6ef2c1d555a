
ByJH=úS–LRP3OkT#H\VÒLKFOM