
ByJ*EmMI