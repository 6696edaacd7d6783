package main

// SOAP plumbing shared by compat fixes, fault rules and extensions.
//
// vcsim calls Registry.Handler before dispatching every SOAP method. Returning
// a wrapper object from it is not enough (vcsim prefers the session's view of
// the target object afterwards), so the lab answers a call by redirecting it
// to one "dispatcher" object whose LabReturn method returns a body computed
// in advance by a hook.

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
	"github.com/vmware/govmomi/vim25/xml"
)

var dispatcherRef = types.ManagedObjectReference{Type: "LabDispatcher", Value: "lab-dispatcher"}

// dispatcher embeds an mo type first: vcsim code that walks every registry
// object (SearchIndex.FindAllByUuid, for one) digs the mo type out of each
// and panics on an object that has none.
type dispatcher struct {
	mo.ExtensibleManagedObject
}

func (d *dispatcher) Reference() types.ManagedObjectReference { return d.Self }

// Lock and Unlock make vcsim skip its per-object lock for the dispatcher.
func (d *dispatcher) Lock()   {}
func (d *dispatcher) Unlock() {}

type precomputed struct{ res soap.HasFault }

func (d *dispatcher) LabReturn(req *precomputed) soap.HasFault { return req.res }

// anyBody is a SOAP response body for any method: Res marshals under its own element name.
type anyBody struct {
	Res    *namedRes
	Fault_ *soap.Fault `xml:"http://schemas.xmlsoap.org/soap/envelope/ Fault,omitempty"`
}

func (b *anyBody) Fault() *soap.Fault { return b.Fault_ }

type namedRes struct {
	name string
	val  any
}

func (n *namedRes) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	start.Name.Local = n.name
	return e.EncodeElement(n.val, start)
}

// soapFault answers a call with a SOAP fault.
func soapFault(msg string, f types.BaseMethodFault) soap.HasFault {
	if msg == "" {
		msg = fmt.Sprintf("%T", f)
	}
	return &anyBody{Fault_: simulator.Fault(msg, f)}
}

// soapResult answers method with <method>Response. returnval may be nil (empty
// response), a types.ManagedObjectReference (e.g. the Task of a *_Task method)
// or any other vim value (encoded with its xsi:type).
// vim25/types does not register response types by name, hence generic shapes.
func soapResult(method string, returnval any) soap.HasFault {
	name := method + "Response"
	switch v := returnval.(type) {
	case nil:
		return &anyBody{Res: &namedRes{name, struct{}{}}}
	case types.ManagedObjectReference:
		return &anyBody{Res: &namedRes{name, refResponse{v}}}
	case *types.ManagedObjectReference:
		return &anyBody{Res: &namedRes{name, refResponse{*v}}}
	default:
		return &anyBody{Res: &namedRes{name, anyResponse{v}}}
	}
}

type anyResponse struct {
	Returnval any `xml:"returnval,typeattr"`
}

type refResponse struct {
	Returnval types.ManagedObjectReference `xml:"returnval"`
}

// anonymousMethods are the methods vcsim lets through without a session.
var anonymousMethods = map[string]bool{
	"Login": true, "LoginByToken": true, "LoginExtensionByCertificate": true, "CloneSession": true,
	"RetrieveServiceContent": true, "RetrieveInternalContent": true, "PbmRetrieveServiceContent": true,
	"Fetch": true, "RetrieveProperties": true, "RetrievePropertiesEx": true,
	"List": true, "GetTrustedCertificates": true,
}

// soapHandler is installed as Registry.Handler: fault rules first, then extension hooks.
func (inv *inventory) soapHandler(ctx *simulator.Context, m *simulator.Method) (mo.Reference, types.BaseMethodFault) {
	if ctx.Session == nil {
		return inv.anonymous(ctx, m)
	}
	res := inv.faults.apply(ctx, m)
	for _, hook := range inv.soapHooks[m.Name] {
		if res != nil {
			break
		}
		res = hook(ctx, m)
	}
	if res == nil {
		return nil, nil
	}
	m.Name = "LabReturn"
	m.This = dispatcherRef
	m.Body = &precomputed{res}
	return ctx.Map.Get(dispatcherRef), nil
}

// anonymous handles calls without a session. vcsim lets property reads through
// unauthenticated; a real vCenter answers NotAuthenticated for everything but
// the ServiceInstance content, and so does the lab. vcsim only dispatches the
// methods it allows anonymously, so answers here can only be faults: call
// fault rules apply (e.g. on Login), extension hooks do not.
func (inv *inventory) anonymous(ctx *simulator.Context, m *simulator.Method) (mo.Reference, types.BaseMethodFault) {
	if !anonymousMethods[m.Name] {
		return nil, nil // vcsim answers NotAuthenticated
	}
	switch m.Name {
	case "Fetch", "RetrieveProperties", "RetrievePropertiesEx":
		target := m.This
		if m.Name == "Fetch" {
			if v := reflect.ValueOf(m.Body).Elem().FieldByName("This"); v.IsValid() {
				target, _ = v.Interface().(types.ManagedObjectReference)
			}
		}
		if m.Name != "Fetch" || target.Type != "ServiceInstance" {
			return nil, &types.NotAuthenticated{NoPermission: types.NoPermission{Object: &target, PrivilegeId: "System.View"}}
		}
	}
	if res := inv.faults.apply(ctx, m); res != nil && res.Fault() != nil {
		if f, ok := res.Fault().Detail.Fault.(types.BaseMethodFault); ok {
			return nil, f
		}
	}
	return nil, nil
}

// writeSOAPFault writes a SOAP fault envelope directly (used when recovering a panic).
func writeSOAPFault(w http.ResponseWriter, msg string, f types.BaseMethodFault) {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(msg))
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring><detail><%sFault xmlns="urn:vim25" xsi:type="%s"></%sFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
		b.String(), typeName(f), typeName(f), typeName(f))
}

func typeName(v any) string { return reflect.TypeOf(v).Elem().Name() }
