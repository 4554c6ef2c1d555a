
ByJSðËeÎöL·ËHRŸÍHÎôÉHÎTT