ByJкH
@ЖyUАЮTђАFаj>