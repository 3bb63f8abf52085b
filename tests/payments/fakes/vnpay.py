"""VNPay's payment page, IPN and querydr API as its docs describe them (sandbox.vnpayment.vn/
apis/docs: "Thanh toán PAY", "Code IPN URL", "Truy vấn kết quả thanh toán (QueryDr)")."""

import hashlib
import hmac
from urllib.parse import quote_plus

from tests.payments.fakes.base import FakeGateway, Received, Reply

QUERY_REQUEST = [
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
]
QUERY_ANSWER = [
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
]


class FakeVnpay(FakeGateway):
    def __init__(self, tmn_code: str, secret: str) -> None:
        super().__init__()
        self.tmn_code, self.secret = tmn_code, secret
        # vnp_TxnRef -> what VNPay keeps of the payment
        self.payments: dict[str, dict[str, str]] = {}

    def route_table(self):
        return [
            ("GET", r"/paymentv2/vpcpay.html", self.page),
            ("POST", r"/merchant_webapi/api/transaction", self.querydr),
        ]

    def _sign(self, data: str) -> str:
        return hmac.new(self.secret.encode(), data.encode(), hashlib.sha512).hexdigest()

    def signed_query(self, params: dict[str, str]) -> str:
        return "&".join(f"{k}={quote_plus(str(v))}" for k, v in sorted(params.items()))

    def page(self, received: Received) -> Reply:
        params = dict(received.query)
        given = params.pop("vnp_SecureHash", "")
        if self._sign(self.signed_query(params)) != given:
            return Reply(200, "Sai chữ ký", content_type="text/html")  # VNPay: "wrong checksum"
        self.payments[params["vnp_TxnRef"]] = {
            "amount": params["vnp_Amount"],
            "create_date": params["vnp_CreateDate"],
            "order_info": params["vnp_OrderInfo"],
            "status": "01",
            "transaction_no": "0",
        }
        return Reply(200, "<html>VNPAY</html>", content_type="text/html")

    def pay(self, txn_ref: str, paid: bool = True) -> dict[str, str]:
        """The customer pays (or cancels) on the page: the IPN VNPay then sends."""
        payment = self.payments[txn_ref]
        payment["status"] = "00" if paid else "02"
        payment["transaction_no"] = f"14{int(txn_ref):06d}"
        return self.ipn(txn_ref)

    def ipn(self, txn_ref: str, **overrides: str) -> dict[str, str]:
        payment = self.payments.get(txn_ref, {"amount": "1000000", "status": "00"})
        code = payment["status"] if payment["status"] != "02" else "24"
        params = {
            "vnp_Amount": payment["amount"],
            "vnp_BankCode": "NCB",
            "vnp_BankTranNo": "VNP14000000",
            "vnp_CardType": "ATM",
            "vnp_OrderInfo": payment.get("order_info", "Nap tien"),
            "vnp_PayDate": "20261205053000",
            "vnp_ResponseCode": code,
            "vnp_TmnCode": self.tmn_code,
            "vnp_TransactionNo": payment.get("transaction_no", "14000000"),
            "vnp_TransactionStatus": payment["status"],
            "vnp_TxnRef": txn_ref,
            **overrides,
        }
        params["vnp_SecureHash"] = self._sign(self.signed_query(params))
        return params

    def querydr(self, received: Received) -> Reply:
        body = received.json()
        if self._sign("|".join(str(body.get(k, "")) for k in QUERY_REQUEST)) != body.get(
            "vnp_SecureHash"
        ):
            return Reply(200, {"vnp_ResponseCode": "97", "vnp_Message": "Invalid Checksum"})
        payment = self.payments.get(body["vnp_TxnRef"])
        if payment is None or payment["create_date"] != body["vnp_TransactionDate"]:
            return Reply(200, {"vnp_ResponseCode": "91", "vnp_Message": "Not found"})
        answer = {
            "vnp_ResponseId": "rsp" + body["vnp_RequestId"][:20],
            "vnp_Command": "querydr",
            "vnp_ResponseCode": "00",
            "vnp_Message": "QueryDR Success",
            "vnp_TmnCode": self.tmn_code,
            "vnp_TxnRef": body["vnp_TxnRef"],
            "vnp_Amount": payment["amount"],
            "vnp_BankCode": "NCB",
            "vnp_PayDate": "20261205053000",
            "vnp_TransactionNo": payment["transaction_no"],
            "vnp_TransactionType": "01",
            "vnp_TransactionStatus": payment["status"],
            "vnp_OrderInfo": payment["order_info"],
            "vnp_PromotionCode": "",
            "vnp_PromotionAmount": "",
        }
        answer["vnp_SecureHash"] = self._sign("|".join(answer[k] for k in QUERY_ANSWER))
        return Reply(200, answer)
