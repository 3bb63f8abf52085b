"""Products (digital goods): list, create, edit, add stock. The rules and the audit entries are
the catalog's (`catalog.products`); the page parses, calls and shows."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from smmpanel.audit.log import Actor
from smmpanel.backoffice.access import staff_required
from smmpanel.backoffice.pages import render_page
from smmpanel.catalog import products
from smmpanel.catalog.errors import CatalogError
from smmpanel.catalog.models import Category, Product
from smmpanel.money import MAX_DIGITS, SCALE

VIEW = ("catalog.view_product",)
CHANGE = (*VIEW, "catalog.change_product")
ADD = (*CHANGE, "catalog.add_product")


class ProductForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=500)
    category = forms.CharField(label=gettext_lazy("Category"), max_length=255)
    type = forms.ChoiceField(
        label=gettext_lazy("Delivery"),
        choices=[
            (Product.Type.AUTO, gettext_lazy("From stock, at once")),
            (Product.Type.SERVICE, gettext_lazy("By hand")),
        ],
    )
    rate = forms.DecimalField(
        label=gettext_lazy("Price per unit"),
        min_value=0,
        max_digits=MAX_DIGITS,
        decimal_places=SCALE,
    )
    min_quantity = forms.IntegerField(
        label=gettext_lazy("Minimum"), min_value=1, max_value=products.MAX_QUANTITY, initial=1
    )
    max_quantity = forms.IntegerField(
        label=gettext_lazy("Maximum"), min_value=1, max_value=products.MAX_QUANTITY, initial=1
    )
    require = forms.CharField(
        label=gettext_lazy("What the customer gives"),
        help_text=gettext_lazy("e.g. Input your account; empty: nothing"),
        max_length=255,
        required=False,
    )
    active = forms.BooleanField(label=gettext_lazy("Enabled"), required=False, initial=True)


class StockForm(forms.Form):
    items = forms.CharField(
        label=gettext_lazy("New stock items, one a line"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


@staff_required(*VIEW)
def product_list(request: HttpRequest) -> HttpResponse:
    unsold = Q(items__product_order__isnull=True)
    listed = (
        Product.objects.select_related("category")
        .annotate(stock=Count("items", filter=unsold))
        .order_by("category__sort_order", "category_id", "sort_order", "pk")
    )
    return render_page(request, "backoffice/products.html", "products", products=listed)


def _form_page(
    request: HttpRequest, form: ProductForm, product: Product | None, stock_form: StockForm
) -> HttpResponse:
    in_stock = 0
    if product is not None:
        in_stock = product.items.filter(product_order__isnull=True).count()
    return render_page(
        request,
        "backoffice/product_form.html",
        "products",
        form=form,
        product=product,
        in_stock=in_stock,
        stock_form=stock_form,
        categories=Category.objects.order_by("sort_order", "pk"),
        status=400 if form.is_bound or stock_form.is_bound else 200,
    )


@staff_required(*ADD)
def product_create(request: HttpRequest) -> HttpResponse:
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = products.create_product(
                acting_user=Actor.of_request(request), **form.cleaned_data
            )
        except CatalogError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Product %s created.") % product.pk)
            return redirect("backoffice:product_edit", pk=product.pk)
    return _form_page(request, form, None, StockForm())


@staff_required(*CHANGE)
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    if request.method != "POST":
        form = ProductForm(initial=products.product_values(product))
        return _form_page(request, form, product, StockForm())
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            products.edit_product(
                acting_user=Actor.of_request(request), product_id=pk, **form.cleaned_data
            )
        except CatalogError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Product %s saved.") % pk)
            return redirect("backoffice:products")
    return _form_page(request, form, product, StockForm())


@require_POST
@staff_required(*CHANGE)
def product_stock(request: HttpRequest, pk: int) -> HttpResponse:
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    stock_form = StockForm(request.POST)
    if stock_form.is_valid():
        try:
            added = products.add_stock(
                acting_user=Actor.of_request(request),
                product_id=pk,
                items=stock_form.cleaned_data["items"].splitlines(),
            )
        except CatalogError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(count)s item(s) added.") % {"count": added})
        return redirect("backoffice:product_edit", pk=pk)
    form = ProductForm(initial=products.product_values(product))
    return _form_page(request, form, product, stock_form)
