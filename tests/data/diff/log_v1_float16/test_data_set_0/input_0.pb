
BxJÇ8