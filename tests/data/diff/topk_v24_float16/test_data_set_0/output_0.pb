
BvaluesJÅ:8í0BDuA­<gB@¼>