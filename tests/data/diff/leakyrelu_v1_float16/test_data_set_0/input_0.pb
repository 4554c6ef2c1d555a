
BxJÀò¾¼ÃkB