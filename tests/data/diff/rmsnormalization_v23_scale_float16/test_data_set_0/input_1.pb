
BscaleJ
†ВлBА>$ДВё