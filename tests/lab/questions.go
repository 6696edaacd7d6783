package main

// Pending VM questions (runtime.question) and VirtualMachine.AnswerVM, which
// vcsim lacks.
//
// On vSphere a VM asks a question when its VMX process cannot go on alone (the
// classic: "This virtual machine might have been moved or copied", raised on
// power-on). The question shows in runtime.question (VirtualMachineQuestionInfo:
// id, text, choice.choiceInfo [{key, label, summary}], choice.defaultIndex,
// message [{id, text}]) and the operation that raised it stays running until
// someone calls AnswerVM(questionId, answerChoice). AnswerVM faults with
// InvalidArgument when questionId is not the VM's pending question (answered
// already, or never asked) or answerChoice is not one of the choice keys.
//
// Control: POST /lab/questions
//
//	{"object": "DC0_H0_VM0", "message_id": "msg.uuid.altered", "text": "...",
//	 "choices": ["Cancel", "I Moved It", "I Copied It"], "default": 2,
//	 "raised_by": "PowerOnVM_Task", "cancel": ["Cancel"]}
//
// raises the question at the next call of "raised_by" (PowerOnVM_Task, PowerOffVM_Task,
// SuspendVM_Task, ResetVM_Task) on that VM: the call returns a running task and
// the question; an answer naming a "cancel" choice ends the task in error
// (RequestCanceled, VM untouched), any other runs the operation and completes
// the task with its outcome. Without "raised_by" the question is pending at once, and
// every power operation on the VM waits behind it until it is answered (then
// runs whatever the choice). Choice keys are "0", "1", ... as vCenter sends them.
// GET shows the rules, pending questions and the answers given; DELETE clears
// rules and pending questions (their blocked tasks end in RequestCanceled).

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

var questionOps = []string{"PowerOnVM_Task", "PowerOffVM_Task", "SuspendVM_Task", "ResetVM_Task"}

type questionRule struct {
	Object    string   `json:"object"`
	MessageID string   `json:"message_id"`
	Text      string   `json:"text"`
	Choices   []string `json:"choices"`
	Default   int      `json:"default"`
	RaisedBy  string   `json:"raised_by"`
	Cancel    []string `json:"cancel"`
	Fired     int      `json:"fired"`
}

type pendingQuestion struct {
	vm      types.ManagedObjectReference
	info    types.VirtualMachineQuestionInfo
	cancel  []string    // labels whose answer cancels the operation that raised it
	answer  chan string // the label chosen, once
	blocked bool        // raised by an operation (else pending on its own)
}

type questionAnswer struct {
	VM       string `json:"vm"`
	ID       string `json:"id"`
	Choice   string `json:"choice"`
	Label    string `json:"label"`
	Canceled bool   `json:"canceled"`
}

type questions struct {
	mu      sync.Mutex
	rules   []*questionRule
	pending map[string]*pendingQuestion // vm moid
	answers []questionAnswer
	seq     int
}

func (q *questions) build(rule *questionRule) types.VirtualMachineQuestionInfo {
	q.seq++
	info := types.VirtualMachineQuestionInfo{Id: fmt.Sprintf("_vmx%d", q.seq), Text: rule.Text}
	for i, label := range rule.Choices {
		info.Choice.ChoiceInfo = append(info.Choice.ChoiceInfo,
			&types.ElementDescription{Description: types.Description{Label: label, Summary: label}, Key: strconv.Itoa(i)})
	}
	info.Choice.DefaultIndex = int32(rule.Default)
	if rule.MessageID != "" {
		info.Message = []types.VirtualMachineMessage{{Id: rule.MessageID, Text: rule.Text}}
	}
	return info
}

func setQuestion(ctx *simulator.Context, vm *simulator.VirtualMachine, info *types.VirtualMachineQuestionInfo) {
	ctx.WithLock(vm, func() {
		var val any
		if info != nil {
			val = info
		}
		ctx.Update(vm, []types.PropertyChange{{Name: "runtime.question", Val: val}})
	})
}

// raise makes the question of rule pending on vm (the caller holds q.mu).
func (q *questions) raise(ctx *simulator.Context, vm *simulator.VirtualMachine, rule *questionRule, blocked bool) *pendingQuestion {
	p := &pendingQuestion{vm: vm.Self, info: q.build(rule), cancel: rule.Cancel, answer: make(chan string, 1), blocked: blocked}
	q.pending[vm.Self.Value] = p
	setQuestion(ctx, vm, &p.info)
	return p
}

// runOp runs vcsim's own power operation and waits for its task.
func runOp(ctx *simulator.Context, vm *simulator.VirtualMachine, method string) (types.AnyType, *types.LocalizedMethodFault) {
	var body soap.HasFault
	ctx.WithLock(vm, func() {
		switch method {
		case "PowerOnVM_Task":
			body = vm.PowerOnVMTask(ctx, &types.PowerOnVM_Task{This: vm.Self})
		case "PowerOffVM_Task":
			body = vm.PowerOffVMTask(ctx, &types.PowerOffVM_Task{This: vm.Self})
		case "SuspendVM_Task":
			body = vm.SuspendVMTask(ctx, &types.SuspendVM_Task{This: vm.Self})
		case "ResetVM_Task":
			body = vm.ResetVMTask(ctx, &types.ResetVM_Task{This: vm.Self})
		}
	})
	if f := body.Fault(); f != nil {
		fault, _ := f.VimFault().(types.BaseMethodFault)
		return nil, &types.LocalizedMethodFault{Fault: fault, LocalizedMessage: f.String}
	}
	var ref types.ManagedObjectReference
	switch b := body.(type) {
	case *methods.PowerOnVM_TaskBody:
		ref = b.Res.Returnval
	case *methods.PowerOffVM_TaskBody:
		ref = b.Res.Returnval
	case *methods.SuspendVM_TaskBody:
		ref = b.Res.Returnval
	case *methods.ResetVM_TaskBody:
		ref = b.Res.Returnval
	}
	t, ok := ctx.Map.Get(ref).(*simulator.Task)
	if !ok {
		return nil, nil
	}
	t.Wait()
	return t.Info.Result, t.Info.Error
}

func (q *questions) opHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	vm, ok := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
	if !ok {
		return nil
	}
	q.mu.Lock()
	p := q.pending[vm.Self.Value]
	raisedHere := false
	if p == nil {
		for _, r := range q.rules {
			if r.RaisedBy == m.Name && r.Fired == 0 && objectMatches(ctx, r.Object, vm.Self) {
				r.Fired++
				p = q.raise(ctx, vm, r, true)
				raisedHere = true
				break
			}
		}
	}
	q.mu.Unlock()
	if p == nil {
		return nil
	}
	t := labTask(ctx, m)
	bg := background(ctx)
	method := m.Name // the dispatcher renames m once the hook has answered
	go func() {
		label, open := <-p.answer
		if !open || (raisedHere && slices.Contains(p.cancel, label)) {
			finishTask(bg, t, nil, &types.LocalizedMethodFault{Fault: &types.RequestCanceled{},
				LocalizedMessage: fmt.Sprintf("the question '%s' was answered '%s': operation canceled", p.info.Text, label)})
			return
		}
		result, fault := runOp(bg, vm, method)
		finishTask(bg, t, result, fault)
	}()
	return soapResult(m.Name, t.Self)
}

func (q *questions) answerHook(ctx *simulator.Context, m *simulator.Method) soap.HasFault {
	req, ok := m.Body.(*types.AnswerVM)
	vm, ok2 := ctx.Map.Get(m.This).(*simulator.VirtualMachine)
	if !ok || !ok2 {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	p := q.pending[vm.Self.Value]
	if p == nil || p.info.Id != req.QuestionId {
		return soapFault(fmt.Sprintf("question %q is not pending on VM %s", req.QuestionId, vm.Name),
			&types.InvalidArgument{InvalidProperty: "questionId"})
	}
	label := ""
	for _, c := range p.info.Choice.ChoiceInfo {
		if c.GetElementDescription().Key == req.AnswerChoice {
			label = c.GetElementDescription().Label
		}
	}
	if label == "" {
		return soapFault(fmt.Sprintf("%q is not a choice of question %q", req.AnswerChoice, req.QuestionId),
			&types.InvalidArgument{InvalidProperty: "answerChoice"})
	}
	delete(q.pending, vm.Self.Value)
	setQuestion(ctx, vm, nil)
	q.answers = append(q.answers, questionAnswer{VM: vm.Name, ID: req.QuestionId, Choice: req.AnswerChoice, Label: label,
		Canceled: p.blocked && slices.Contains(p.cancel, label)})
	p.answer <- label
	close(p.answer)
	return soapResult(m.Name, nil)
}

// unblock ends every pending question's wait (the caller holds q.mu); their blocked tasks end canceled.
func (q *questions) unblock(ctx *simulator.Context) {
	for moid, p := range q.pending {
		if vm, ok := ctx.Map.Get(p.vm).(*simulator.VirtualMachine); ok {
			setQuestion(ctx, vm, nil)
		}
		close(p.answer)
		delete(q.pending, moid)
	}
}

func vmNamed(reg *simulator.Registry, name string) *simulator.VirtualMachine {
	for _, e := range reg.All("VirtualMachine") {
		if vm, ok := e.(*simulator.VirtualMachine); ok && (vm.Name == name || vm.Self.Value == name) {
			return vm
		}
	}
	return nil
}

func (q *questions) control(inv *inventory) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		reg := inv.model.Map()
		ctx := &simulator.Context{Context: context.Background(), Map: reg}
		switch r.Method {
		case http.MethodPost:
			var rule questionRule
			if !decode(w, r, &rule) {
				return
			}
			if len(rule.Choices) == 0 || rule.Text == "" {
				writeJSON(w, 400, map[string]string{"error": "a question needs text and choices"})
				return
			}
			if rule.Default < 0 || rule.Default >= len(rule.Choices) {
				writeJSON(w, 400, map[string]string{"error": "default must index choices"})
				return
			}
			if rule.RaisedBy != "" && !slices.Contains(questionOps, rule.RaisedBy) {
				writeJSON(w, 400, map[string]string{"error": fmt.Sprintf("raised_by must be one of %v", questionOps)})
				return
			}
			q.mu.Lock()
			defer q.mu.Unlock()
			if rule.RaisedBy == "" {
				vm := vmNamed(reg, rule.Object)
				if vm == nil {
					writeJSON(w, 404, map[string]string{"error": "no VM " + rule.Object})
					return
				}
				if q.pending[vm.Self.Value] != nil {
					writeJSON(w, 409, map[string]string{"error": "VM " + rule.Object + " has a pending question already"})
					return
				}
				rule.Fired = 1
				p := q.raise(ctx, vm, &rule, false)
				q.rules = append(q.rules, &rule)
				writeJSON(w, 200, map[string]any{"id": p.info.Id, "vm": vm.Self.Value})
				return
			}
			q.rules = append(q.rules, &rule)
			writeJSON(w, 200, map[string]any{"rules": len(q.rules)})
		case http.MethodGet:
			q.mu.Lock()
			defer q.mu.Unlock()
			pending := map[string]any{}
			for moid, p := range q.pending {
				pending[moid] = map[string]any{"id": p.info.Id, "text": p.info.Text, "blocked": p.blocked}
			}
			writeJSON(w, 200, map[string]any{"rules": q.rules, "pending": pending, "answers": q.answers})
		case http.MethodDelete:
			q.mu.Lock()
			defer q.mu.Unlock()
			q.unblock(ctx)
			q.rules, q.answers = nil, nil
			writeJSON(w, 200, map[string]any{"cleared": true})
		default:
			writeJSON(w, 405, map[string]string{"error": "GET, POST or DELETE"})
		}
	}
}

func init() {
	registerExtension("questions", func(l *Lab) {
		q := &questions{pending: map[string]*pendingQuestion{}}
		for _, op := range questionOps {
			l.HandleSOAP(op, q.opHook)
		}
		l.HandleSOAP("AnswerVM", q.answerHook)
		l.HandleControl("questions", q.control(l.inv()))
	})
}
